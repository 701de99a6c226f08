

def test_page_boxes_cover_handwriting_and_a_signature_without_a_label() -> None:
    from donthu.types import Word
    from records.redaction import draw_boxes, page_boxes

    record = _record(LETTER, [WRITER, ACCUSED])
    record.pages[0].handwritten = True
    assert page_boxes(record, 1, [], 1000, 1400) == [(0, 0, 1000, 1400)]  # the writer's hand identifies them
    record.pages[0].handwritten = False
    words = [Word("Tôi", 100, 100, 40, 20, line=0), Word("tên", 150, 100, 40, 20, line=0),
             Word("là", 200, 100, 20, 20, line=0), Word("Nguyễn", 230, 100, 80, 20, line=0),
             Word("Thị", 320, 100, 40, 20, line=0), Word("Trinh", 370, 100, 60, 20, line=0)]
    boxes = page_boxes(record, 1, words, 1000, 1400)
    assert boxes[0][0] < 230 and boxes[-2][2] > 430  # the name's three words
    assert boxes[-1] == (450, 868, 1000, 1400)  # no signature label read: the bottom right of the last page
    image = draw_boxes(np.full((1400, 1000), 255, np.uint8), boxes)
    assert image[110, 250] == 0 and image[110, 120] == 255 and image[1300, 900] == 0 and image[1300, 100] == 255
    assert page_boxes(_record(LETTER, [WRITER], type_="complaint"), 1, words, 1000, 1400) == []
