"""`python -m abstractqa.llama_server --model PATH [--port N]`: llama-cpp-python's OpenAI-compatible
server, loading models as the in-process backend does (extra weight buffers off; see `llm.load_llama`).
"""

from __future__ import annotations


def main() -> None:
    from llama_cpp.server.__main__ import main as serve

    from abstractqa.llm import extra_buffers

    with extra_buffers(False):
        serve()


if __name__ == "__main__":
    main()
