"""Sources, file sniffing, page images, the pipeline and its worker tasks."""
