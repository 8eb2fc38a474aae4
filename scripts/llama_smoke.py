"""Exit 0 when llama.cpp evaluates a batched prompt with the GGUF given on this CPU (scripts/setup.sh).

A wheel built for another CPU dies with SIGILL ("Illegal instruction") only once its vector
kernels run, which a one-token prompt may not reach, so this feeds it a few hundred tokens.
"""

import sys

from llama_cpp import Llama

llm = Llama(model_path=sys.argv[1], n_ctx=512, n_batch=256, verbose=False)
llm.eval(llm.tokenize(b"Check the pump seal and torque the impeller nut. " * 30)[:400])
