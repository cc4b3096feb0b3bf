"""Synthetic scene generators (street and aerial) used for training data, demos and evaluation."""
