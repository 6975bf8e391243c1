import pytest

from nlp.masking import mask_text


def test_id_numbers_phones_cards_and_accounts_are_masked_keeping_length():
    text = (
        "身份证号430624195801035630，电话13812345678，座机021-12345678，"
        "卡号6222 0212 3456 7890 123，账号：6217000010001234567，尾号1234"
    )
    out = mask_text(text)
    assert len(out) == len(text)
    for secret in (
        "430624195801035630",
        "13812345678",
        "12345678",
        "6222 0212 3456 7890",
        "6217000010001234567",
    ):
        assert secret not in out
    assert "4306**********5630" in out
    assert "138****5678" in out


def test_names_after_role_words_are_masked_everywhere_they_recur():
    out = mask_text("原告张三向被告李四借款5万元，李四出具借条；委托代理人蒋水光")
    assert "张三" not in out and "李四" not in out and "蒋水光" not in out
    assert out.startswith("原告张*向被告李*借款")
    assert "李*出具借条" in out
    assert "蒋*光" in out


def test_compound_surnames_and_known_party_names():
    out = mask_text("借款人：欧阳小明；证人王秀英称，王秀英系邻居", known_names=["王秀英"])
    assert "欧**明" in out
    assert "王秀英" not in out and "王*英" in out


@pytest.mark.parametrize(
    "text",
    [
        "被告山西智伟基业房地产开发有限公司",
        "被告王府井百货有限公司",
        "原告李某1诉称",
        "原告曹0与被告张x1",
    ],
)
def test_institutions_and_already_anonymised_names_are_left_alone(text):
    assert mask_text(text) == text


def test_amounts_and_dates_are_not_mistaken_for_numbers_to_mask():
    text = "2019年3月1日借款100000元，月利率2%"
    assert mask_text(text) == text


def test_empty_text():
    assert mask_text(None) is None
    assert mask_text("") == ""


def test_words_after_role_words_that_are_not_names():
    text = "被告应当归还借款，被告方辩称已还款，原告向被告催要"
    assert mask_text(text) == text
