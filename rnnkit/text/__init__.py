"""Text for rnnkit's models: vocabularies that encode and decode, and training pairs.

* :class:`CharVocab` (`rnnkit.text.chars`) — characters ↔ ids, for a
  character model (`build_generator`, `generate`);
* :class:`WordVocab` (`rnnkit.text.words`) — texts ↔ padded word ids, for a
  token classifier (`build_classifier(..., vocab_size=len(vocab))`);
* :func:`text_dataset` (`rnnkit.text.dataset`) — a text cut into
  `(ids, next ids)` training pairs, as a `tf.data.Dataset`;
* :func:`text_files_dataset` (`rnnkit.text.streaming`) — the same pairs
  streamed from text files larger than memory (also
  `text_dataset(files=...)`), with `CharVocab.from_files`.

Each vocabulary declares the job of the model that reads its ids
(`CharVocab.job == "generator"`, `WordVocab.job == "classifier"`), which is
what a bundle saved with it holds. `import rnnkit.text` and both
vocabularies work without TensorFlow; only `text_dataset` needs it.

Example:
>>> from rnnkit.text import CharVocab, WordVocab
>>> CharVocab.job, WordVocab.job
('generator', 'classifier')
"""

from rnnkit.text.chars import CharVocab
from rnnkit.text.dataset import text_dataset
from rnnkit.text.streaming import text_files_dataset
from rnnkit.text.words import WordVocab

__all__ = ["CharVocab", "WordVocab", "text_dataset", "text_files_dataset"]
