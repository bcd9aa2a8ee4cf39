"""Old address of the directory page model, kept for the code that imports it from here."""

from .models.pages import DirectoryPage

__all__ = ["DirectoryPage"]
