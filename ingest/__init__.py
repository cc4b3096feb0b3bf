"""Readers for cameras and drone footage, per-camera workers and their supervisor."""
