"""The AI tutor (grio-api-v1.txt §5): one interface, two providers. The offline tutor (the
default) answers from the lesson's own passages; the LiteLLM provider asks a language model
for the same structured answer and falls back to the offline tutor when the model fails."""
