"""The chat message `name` field reaches the model's chat template as `message.name` (as Hugging Face passes it):
a template that renders it shows it, one that does not ignores it. Checked by token counts against Hugging Face
`tokenizers` on the same rendered text."""
import json
import os
import shutil
import tempfile
import urllib.request

import pytest
from tokenizers import Tokenizer

from conftest import CHAT_MODEL, ROOT, Server

SOURCE = os.path.join(ROOT, "models", CHAT_MODEL)
# The model's own template with the participant's name after the role when there is one.
NAMED_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role']}}"
    "{% if message['name'] %}{{ ' ' + message['name'] }}{% endif %}"
    "{{'\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


@pytest.fixture(scope="module")
def server():
    folder = tempfile.mkdtemp(prefix="aigw-named-")
    target = os.path.join(folder, "named-chat")
    os.makedirs(target)
    for name in os.listdir(SOURCE):
        if name != "tokenizer_config.json" and not name.startswith("."):
            os.symlink(os.path.join(SOURCE, name), os.path.join(target, name))
    with open(os.path.join(SOURCE, "tokenizer_config.json")) as f:
        config = json.load(f)
    config["chat_template"] = NAMED_TEMPLATE
    with open(os.path.join(target, "tokenizer_config.json"), "w") as f:
        json.dump(config, f)
    os.symlink(SOURCE, os.path.join(folder, CHAT_MODEL))
    s = Server("--models-dir", folder)
    yield s
    assert s.stop() == 0, s.output()
    shutil.rmtree(folder)


def prompt_tokens(server, model, message):
    body = json.dumps({"model": model, "max_tokens": 1, "messages": [message]}).encode()
    request = urllib.request.Request(server.url + "/v1/chat/completions", data=body,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())["usage"]["prompt_tokens"]


def hf_count(text):
    return len(Tokenizer.from_file(os.path.join(SOURCE, "tokenizer.json")).encode(text, add_special_tokens=False).ids)


def test_a_template_that_uses_name_renders_it(server):
    message = {"role": "user", "content": "Hello there.", "name": "Grace_Hopper"}
    named = prompt_tokens(server, "named-chat", message)
    expected = hf_count("<|im_start|>user Grace_Hopper\nHello there.<|im_end|>\n<|im_start|>assistant\n")
    assert named == expected
    plain = prompt_tokens(server, "named-chat", {"role": "user", "content": "Hello there."})
    assert plain == hf_count("<|im_start|>user\nHello there.<|im_end|>\n<|im_start|>assistant\n")
    assert named > plain


def test_a_template_without_name_ignores_it(server):
    message = {"role": "user", "content": "Hello there."}
    assert prompt_tokens(server, CHAT_MODEL, dict(message, name="Grace_Hopper")) == prompt_tokens(
        server, CHAT_MODEL, message)
