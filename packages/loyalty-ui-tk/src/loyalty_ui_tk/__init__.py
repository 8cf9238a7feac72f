"""The Tkinter desktop frontend of the loyalty engine."""
