"""Plane geometry on normalised image coordinates."""
