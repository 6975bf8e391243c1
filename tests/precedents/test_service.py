"""The precedent base in the database: import, masking, incremental sync, closed cases."""

import numpy as np
import pytest
from sqlalchemy import select

from mediation.db import session_scope
from mediation.precedents import service
from mediation.precedents.model import Precedent, PrecedentEmbedding
from nlp.plan import Outcome


@pytest.fixture
def factory(app):
    return app.extensions["mediation.sessionmaker"]


def settings(**kw):
    return service.Settings(
        model_dir=None, index="memory", pgvector_schema="precedent_ann", results=10, pool=200, **kw
    )


def test_import_masks_extracts_and_is_idempotent(factory, tiny_corpus, hashing):
    seen = []
    result = service.import_corpus(
        factory, tiny_corpus, hashing, batch_size=2, progress=lambda d, t: seen.append((d, t))
    )
    assert (result.read, result.changed, result.embedded) == (5, 5, 5)
    assert seen[-1] == (5, 5) and len(seen) == 3
    with session_scope(factory) as s:
        rows = {r.ref: r for r in s.scalars(select(Precedent))}
        card = rows["t-card-1"]
        assert "13812345678" not in card.text and "110101199003077719" not in card.text
        loan = rows["t-loan-1"]
        assert "张三" not in loan.text and "李四" not in loan.text
        assert loan.outcome == Outcome.PARTLY
        assert loan.dispute_type == "lending"
        assert rows["t-ins-1"].dispute_type == "insurance"
        assert rows["t-other-1"].dispute_type == "other"
        assert "guarantee:joint" in loan.key_facts["features"]
        assert loan.amount == 100000
        assert (
            s.scalar(
                select(PrecedentEmbedding).where(PrecedentEmbedding.precedent_id == loan.id)
            ).dim
            == 64
        )
    again = service.import_corpus(factory, tiny_corpus, hashing)
    assert (again.changed, again.unchanged, again.embedded) == (0, 5, 0)


def test_readers_catch_up_incrementally(factory, tiny_corpus, hashing):
    service.import_corpus(factory, tiny_corpus, None)
    base = service.PrecedentBase(settings(), hashing)
    with session_scope(factory) as s:
        assert base.sync(s) == 5
        assert base.sync(s) == 0  # nothing new: nothing read
        first = base.engine.search("信用卡透支逾期未还", k=1)[0]
        assert first.doc.ref == "t-card-1"
        # Change one precedent and delete another: the next sync applies just those.
        row = s.scalar(select(Precedent).where(Precedent.ref == "t-card-1"))
        service.delete_precedent(s, row)
    with session_scope(factory) as s:
        assert base.sync(s) == 1
        assert "t-card-1" not in {m.doc.ref for m in base.engine.search("信用卡透支逾期未还", k=5)}
        assert len(base.engine) == 4


def test_vectors_written_later_reach_the_reader(factory, tiny_corpus, hashing):
    service.import_corpus(factory, tiny_corpus, None)
    base = service.PrecedentBase(settings(), hashing)
    with session_scope(factory) as s:
        base.sync(s)
    assert not base.engine.dense.has(np.arange(5)).any()
    assert service.embed_missing(factory, hashing) == 5
    with session_scope(factory) as s:
        base.sync(s)
    assert base.engine.dense.has(np.arange(5)).all()


def test_a_reset_database_is_noticed(factory, tiny_corpus, app):
    from tests.conftest import _clear

    service.import_corpus(factory, tiny_corpus, None)
    base = service.PrecedentBase(settings(), None)
    with session_scope(factory) as s:
        base.sync(s)
    _clear(app.extensions["mediation.engine"])
    service.import_corpus(factory, tiny_corpus, None, limit=2)
    with session_scope(factory) as s:
        base.sync(s)
    assert len(base.engine) == 2


def test_the_corpus_format_is_checked(factory, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "没有编号的记录"}\n')
    with pytest.raises(service.CorpusError, match="needs 'id' and 'text'"):
        service.import_corpus(factory, bad, None)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "y", "text": "截断的\n')
    with pytest.raises(service.CorpusError, match="broken.jsonl:1"):
        service.import_corpus(factory, broken, None)
