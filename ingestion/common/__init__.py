"""Pieces every source loader shares: settings, the warehouse connection and the typed loader."""
