"""The FastAPI service and its web pages."""
