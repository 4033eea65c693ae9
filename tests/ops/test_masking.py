from shoehorn.ops.masking import MASK, mask, masked


def test_values_are_masked_unless_asked() -> None:
    assert mask("hunter2") == MASK
    assert mask("a-much-longer-secret-value") == MASK  # the length does not leak
    assert mask("hunter2", show=True) == "hunter2"
    assert masked({"B": "2", "A": "1"}) == {"A": MASK, "B": MASK}
    assert list(masked({"B": "2", "A": "1"}, show=True).items()) == [("A", "1"), ("B", "2")]
