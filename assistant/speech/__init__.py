"""Speech to text with faster-whisper: audio files or microphone PCM in, a stream of segments out.

    job = transcription.transcribe("question.wav", settings=s, cancel=event,
                                   prompt_terms=terms.domain_terms(db))
    for segment in job:          # decoding happens as the caller iterates (GUI: on the `stt` worker)
        show(segment.text)
    transcript = job.result()    # text, duration, timings; `message` says why the text is empty

- `audio`: files decoded and microphone PCM collected, as 16 kHz mono float32; levels for the meter.
- `model`: the speech model from the registry, loaded once per process; threads; warm-up.
- `vocabulary`: the library's terms as the decoder's prompt.
- `transcription`: a transcription as a stream of `Segment`s, then a `Transcript`.

The caller passes its `Settings` (the CLI's session, the GUI's services, a test's own): nothing
here reads settings.json.

Bad input never raises anything but an `AssistantError`: `AudioError` (unreadable, unsupported,
too short, too long), `ModelMissingError` / `ModelCorruptError`, `Cancelled`. Silence or noise is
not an error of the stream: it yields no segment, and the transcript has text "" and a `message`
("no speech detected in X: ..."); `Transcript.require_text()` turns that into `NoSpeechError`
for callers that need words (e.g. `ask --audio`).
"""
