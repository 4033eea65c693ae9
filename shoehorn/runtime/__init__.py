"""The part of shoehorn that ships inside every bundle. Standard library only."""
