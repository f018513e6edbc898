"""Training scripts; a package so that ``training.classifier`` and ``training.train_classifier``
import from the repository root (tests/training/ is on pytest's path too)."""
