"""Voice input: the microphone (QtMultimedia), push-to-talk, and the talk buttons."""
