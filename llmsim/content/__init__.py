"""Demo-domain replies (menu designer): classify a request, then write a deterministic answer."""

from llmsim.content.replies import Branches, write_reply

__all__ = ["Branches", "write_reply"]
