"""A GGUF the admin adds may carry a chat template that refuses a system turn (Mistral-7B-Instruct's
raises "Conversation roles must alternate") or cannot be read at all. The app folds the system text
into the user's turn for the first, and gives one clear error for the second, instead of a Jinja
traceback from every question and from `models bench`. Real model file (the bundled default) with
the template its metadata would carry replaced."""

from __future__ import annotations

import pytest

from assistant import llm, model_bench, models
from assistant.errors import ModelCorruptError
from assistant.rag import prompt_cache
from tests.core.spec_fixtures import ingest_text

# Mistral-7B-Instruct-v0.1's chat template, as its GGUF carries it.
MISTRAL = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
)


@pytest.fixture
def chat(models_dir):
    # Its own instance, not llm.load's shared one: the template is replaced.
    return llm.ChatModel(models_dir / "chat" / models.DEFAULT_CHAT)


def _with_template(chat, template: str):
    chat.template, chat._template_fn = template, None
    return chat


def test_a_template_that_refuses_a_system_turn_gets_the_system_text_in_the_user_s_turn(chat, session, tmp_path):
    _with_template(chat, MISTRAL)
    text = chat.render("Answer from the passages.", "Question: what torque?")
    assert text == "[INST] Answer from the passages.\n\nQuestion: what torque? [/INST]"
    # The answer prompt's opening read at model load is still where every prompt starts.
    ingest_text(session, tmp_path, "hx400.md", "# HX-400\n\n## Mounting\n\nTighten the M12 bolts to 68 Nm.\n")
    tokens = chat.tokenize(model_bench.typical_prompt(session.db, chat, 4).text)
    opening = prompt_cache.opening(chat)
    assert len(opening) > 10 and tokens[: len(opening)] == opening


@pytest.mark.parametrize("template", [
    "{% for message in messages %}{{ raise_exception('no prompts today') }}{% endfor %}",  # refuses every turn
    "{% for message in messages %}{{ message['content'] }",  # not a template
])
def test_a_template_that_cannot_be_used_gives_one_clear_error(chat, template):
    _with_template(chat, template)
    with pytest.raises(ModelCorruptError, match="chat template of .* cannot be used.*choose another chat model"):
        chat.render("system", "user")
