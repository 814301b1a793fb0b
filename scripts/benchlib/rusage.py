"""`python3 rusage.py OUT PROGRAM ARG...`: runs PROGRAM (fork + exec, waited for) and
writes its user and system seconds and voluntary context switches to OUT as JSON.
The throttle part puts it between tcpsvd and loomiere-stream, so only the streamer's
own figures are counted."""

import json
import os
import resource
import sys

before = resource.getrusage(resource.RUSAGE_CHILDREN)
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
os.waitpid(pid, 0)
after = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"user_s": after.ru_utime - before.ru_utime, "system_s": after.ru_stime - before.ru_stime,
               "voluntary_switches": after.ru_nvcsw - before.ru_nvcsw}, f)
