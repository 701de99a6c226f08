"""Tesseract behind the engine seam: ocr.engine as it is (tesserocr in-process when it runs the `tesseract`
command's version, else pytesseract), with its reading order's block/paragraph/line numbers."""

from __future__ import annotations

import numpy as np

from ocr import engine
from ocr.engine import RecognisedWord

#: Tesseract's page segmentation mode for a crop holding one text line
LINE_PSM = 7


class TesseractEngine:
    name = "tesseract"
    wants_gray = False

    def __init__(self, lang: str = "vie", config: str = engine.DEFAULT_CONFIG, choice: str = ""):
        self.lang, self.config, self.choice = lang, config, choice
        self.backend = engine.backend(lang, config, choice)  # loads the in-process handle once

    def recognise(self, image: np.ndarray, bilevel: bool = False,
                  gray: np.ndarray | None = None) -> list[RecognisedWord]:
        return engine.recognise(image, lang=self.lang, config=self.config, bilevel=bilevel, choice=self.choice)

    def recognise_line(self, image: np.ndarray, bilevel: bool = False) -> list[RecognisedWord]:
        """Words of a crop holding one text line (Tesseract's single-line segmentation, `--psm 7`): the second
        reading ocr.engines.combined asks for where the engines disagree on a word; `bilevel`: the crop holds only
        0 and 255 (handed over as 1 bit a pixel, as `recognise` does)."""
        if image.size == 0:
            return []
        # the page's own handle in single-line mode for this call: a second handle (config "--psm 7") would load
        # the model a second time in every worker
        return engine.recognise(image, lang=self.lang, config=self.config, choice=self.choice, psm=LINE_PSM,
                                bilevel=bilevel)
