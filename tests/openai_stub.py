"""An OpenAI-compatible chat server on loopback for the LiteLLM provider's tests. The model
name decides how it behaves: `good` answers the JSON asked for (citing the first passage of
the prompt, and one that does not exist), `malformed` answers prose, `fixes` answers prose
once then JSON, `slow` answers after 3 seconds, `broken` fails with 500, `leaky` gives the
answer away. `/moderations` flags as self-harm what holds MODERATED. Streaming requests get Server-Sent Events in OpenAI's chunk format."""

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_ANSWER = "A noun is a word that names a person, place, thing or idea."
# Words the stub's moderation endpoint flags as self-harm, which the offline classifier
# has no reason to: only the provider's moderation can raise them.
MODERATED = "purple elephants tonight"


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (a timeout, a killed dispatcher) closed its socket: nothing
        to report."""


class OpenAIStub:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self._send(200, {"object": "list", "data": [{"id": "good", "object": "model"}]})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                with stub.lock:
                    stub.requests.append(body)
                    calls = sum(1 for r in stub.requests if r["model"] == body["model"])
                stub.answer(self, body, calls)

            def _send(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def answer(self, handler: Any, body: dict[str, Any], calls: int) -> None:
        if handler.path.endswith("/moderations"):
            flagged = MODERATED in str(body.get("input", ""))
            names = ("self-harm", "self-harm/intent", "sexual", "violence", "harassment")
            handler._send(
                200,
                {
                    "id": "modr-1",
                    "model": body["model"],
                    "results": [
                        {
                            "flagged": flagged,
                            "categories": {n: flagged and n.startswith("self-harm") for n in names},
                            "category_scores": {n: 0.9 if flagged else 0.01 for n in names},
                        }
                    ],
                },
            )
            return
        model = body["model"]
        prompt = "\n".join(m["content"] for m in body["messages"])
        if model == "broken":
            handler._send(500, {"error": {"message": "the model is down", "type": "server_error"}})
            return
        if model == "slow":
            time.sleep(3)
        segment = re.search(r"\[(content_segment_\d+)\]", prompt)
        content = json.dumps(
            {
                "message": GOOD_ANSWER if model != "leaky" else "The answer is dog.",
                "type": "explanation",
                "confidence": 0.9,
                "sources": [segment.group(1) if segment else "", "content_segment_999999"],
                "follow_up_suggestions": ["Can you give me examples?"],
            }
        )
        if model == "malformed" or (model == "fixes" and calls == 1):
            content = "Sure! Nouns are naming words, and that is all there is to it."
        if body.get("stream"):
            self._stream(handler, model, GOOD_ANSWER)
            return
        handler._send(
            200,
            {
                "id": f"chatcmpl-{calls}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            },
        )

    @staticmethod
    def _stream(handler: Any, model: str, text: str) -> None:
        handler.send_response(200)
        handler.send_header("content-type", "text/event-stream")
        handler.send_header("connection", "close")
        handler.end_headers()
        pieces = [text[i : i + 12] for i in range(0, len(text), 12)]
        for index, piece in enumerate(pieces):
            chunk = {
                "id": "chatcmpl-stream",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "delta": {"role": "assistant", "content": piece}
                        if index == 0
                        else {"content": piece},
                        "finish_reason": None,
                    }
                ],
            }
            handler.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        done = {
            "id": "chatcmpl-stream",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        handler.wfile.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        handler.wfile.flush()
        handler.close_connection = True

    def calls(self, model: str) -> int:
        return sum(1 for r in self.requests if r["model"] == model)

    @contextmanager
    def running(self) -> Iterator["OpenAIStub"]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
