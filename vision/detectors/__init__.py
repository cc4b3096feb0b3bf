"""Detector backends behind one interface; configuration selects a backend by `type`."""
