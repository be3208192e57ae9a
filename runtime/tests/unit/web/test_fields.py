"""The schema fields for JSON bodies: what each loads, refuses and sends."""

from decimal import Decimal

import pytest
from marshmallow import Schema, ValidationError

from shallot_runtime.web.fields import INT64, DecimalString, JsonBoolean, Text


class Sample(Schema):
    name = Text(max_length=5)
    note = Text()
    amount = DecimalString(precision=6, scale=2)
    count = DecimalString(precision=3, scale=0)
    paid = JsonBoolean()


def refusal(**body) -> dict:
    with pytest.raises(ValidationError) as raised:
        Sample().load(body)
    return raised.value.messages


@pytest.mark.parametrize("value", ["", "   ", "\u3000\t", "ab\x00"])
def test_text_refuses_blank_or_nul(value):
    assert "note" in refusal(note=value)


def test_text_keeps_its_length_and_says_so_in_its_description():
    assert Sample().load({"name": " abc "}) == {"name": " abc "}
    assert "name" in refusal(name="abcdef")
    assert "5 characters" in Sample().fields["name"].metadata["description"]


@pytest.mark.parametrize("value", ["120.5", "1234.56", "-0.01", "7"])
def test_a_decimal_string_loads_exactly(value):
    assert Sample().load({"amount": value}) == {"amount": Decimal(value)}


@pytest.mark.parametrize("value", [120.5, "12345.6", "1.234", "1e3", "NaN", " 1.00"])
def test_a_decimal_string_refuses_floats_and_more_digits_than_its_column(value):
    assert "amount" in refusal(amount=value)


def test_a_decimal_string_is_sent_with_its_scale():
    assert Sample().dump({"amount": Decimal("120.5"), "count": Decimal("7")}) == {
        "amount": "120.50",
        "count": "7",
    }
    assert "count" in refusal(count="7.5")


@pytest.mark.parametrize("value", [1, 0, "true", "yes", None])
def test_a_json_boolean_is_true_or_false_only(value):
    assert "paid" in refusal(paid=value)
    assert Sample().load({"paid": False}) == {"paid": False}


def test_int64_is_what_a_bigint_holds():
    INT64(2**63 - 1)
    with pytest.raises(ValidationError):
        INT64(2**63)
