"""Grading pages: the public platform (G3, G5) and each role's console (G4, G6)."""
