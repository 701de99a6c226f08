"""OpenCV clean-up, Tesseract recognition, PDF text layers via pdfplumber."""
