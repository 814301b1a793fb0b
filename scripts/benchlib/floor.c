/* The floor of the process-per-connection model, for scripts/bench: read the request
 * head from stdin (up to its blank line, at most 8 KiB), write a fixed response with a
 * 2-byte body to stdout, exit. Built with musl-gcc -static. With arguments, it is the
 * "first program" of the two-exec floor instead: it execs argv[1] with argv[1..],
 * as loomiere-stream execs a streamer. */
#include <string.h>
#include <unistd.h>

static const char response[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                               "Content-Length: 2\r\nConnection: close\r\n\r\nok";

int main(int argc, char **argv) {
    char head[8192];
    size_t got = 0;
    if (argc > 1) {
        execv(argv[1], argv + 1);
        return 111;
    }
    while (got < sizeof head) {
        ssize_t n = read(0, head + got, sizeof head - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got >= 4 && memmem(head, got, "\r\n\r\n", 4))
            break;
    }
    return write(1, response, sizeof response - 1) == (ssize_t)(sizeof response - 1) ? 0 : 1;
}
