"""Readers that turn a feed file into chunks of raw string rows."""

from cbec.feeds.readers.base import FileRejected, RawChunk, RowProblem
from cbec.feeds.readers.dispatch import detect_format, read_chunks

__all__ = ["FileRejected", "RawChunk", "RowProblem", "detect_format", "read_chunks"]
