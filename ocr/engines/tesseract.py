"""Tesseract behind the engine seam: ocr.engine as it is (tesserocr in-process when it runs the `tesseract`
command's version, else pytesseract), with its reading order's block/paragraph/line numbers."""

from __future__ import annotations

import numpy as np

from ocr import engine
from ocr.engine import RecognisedWord


class TesseractEngine:
    name = "tesseract"
    wants_gray = False

    def __init__(self, lang: str = "vie", config: str = engine.DEFAULT_CONFIG, choice: str = ""):
        self.lang, self.config, self.choice = lang, config, choice
        self.backend = engine.backend(lang, config, choice)  # loads the in-process handle once

    def recognise(self, image: np.ndarray, bilevel: bool = False,
                  gray: np.ndarray | None = None) -> list[RecognisedWord]:
        return engine.recognise(image, lang=self.lang, config=self.config, bilevel=bilevel, choice=self.choice)

    def recognise_line(self, image: np.ndarray) -> list[RecognisedWord]:
        """Words of a crop holding one text line (Tesseract's single-line segmentation, `--psm 7`): the second
        reading ocr.engines.combined asks for where the engines disagree on a word."""
        if image.size == 0:
            return []
        return engine.recognise(image, lang=self.lang, config=self.line_config, choice=self.choice)

    @property
    def line_config(self) -> str:
        return self.config.replace("--psm 3", "--psm 7") if "--psm 3" in self.config else self.config + " --psm 7"
