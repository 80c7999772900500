/* chat_server: a line-based TCP chat on 127.0.0.1: each line a client sends goes to every other client connected.
 * Covered by test/examples/chat_server.py.  Usage: chat_server [port] [--exit-after N] [--idle-ms MS] [--queue N] */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#include "tcp_server.h"

/* How the pieces talk, with weft's synchronisation objects:
 *   - every client has an outbox, a bounded channel of messages, and a
 *     writer task that sends them to its socket one by one;
 *   - the reader of a client splits what it reads into lines and offers
 *     each line to every other client's outbox without waiting
 *     (weft_chan_try_send): a full outbox means that client does not read
 *     what it is sent, and it is dropped by cancelling its writer;
 *   - a client that says nothing for --idle-ms is dropped by the timeout
 *     around its read;
 *   - the writer's end (cancelled, or its socket gone) resolves a promise
 *     the connection waits on beside its reader, so either end ends both. */

enum {
  LINE_MAX = 1024,      /* a longer line is cut to this length */
  READ_CHUNK = 4096,
};

struct chat {
  struct client *head;  /* the room: every client being served */
  long idle_ms;
  size_t queue;         /* messages an outbox holds before its client is too slow */
};

/* A writer runs only between other fibers' turns, and one turn of a busy
 * reader can offer it hundreds of lines: the outbox must hold such a burst
 * for a client that does read. */
static struct chat chat = {.idle_ms = 60000, .queue = 1024};

/* One line, shared by every outbox it is in: freed by the last writer. */
struct msg {
  size_t refs;
  size_t len;
  char data[];
};

struct client {
  int fd;
  struct client *prev, *next;
  bool in_room;
  bool slow;
  weft_chan_t *outbox;       /* of struct msg * */
  weft_task_t *writer;       /* the handle, joined when the connection ends */
  weft_promise_t *writer_end;
  size_t line_len;
  bool cut;                  /* the line being read was too long: skip to its end */
  char line[LINE_MAX + 1];
};

static void msg_unref(struct msg *m)
{
  if (--m->refs == 0)
    free(m);
}

/* ---- the room ---------------------------------------------------------- */

static void room_leave(struct client *c)
{
  if (!c->in_room)
    return;
  if (c->prev)
    c->prev->next = c->next;
  else
    chat.head = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->in_room = false;
}

static void room_join(struct client *c)
{
  c->next = chat.head;
  if (chat.head)
    chat.head->prev = c;
  chat.head = c;
  c->in_room = true;
}

/* A client whose outbox is full is not reading: it leaves the room at once
 * (so nobody offers it more) and its writer is cancelled, wherever it is
 * (waiting for a message, or for its socket to take one). */
static void drop_slow(struct client *c)
{
  room_leave(c);
  c->slow = true;
  weft_task_cancel(c->writer);
}

static struct msg *msg_new(const char *text, size_t len)
{
  struct msg *m = malloc(sizeof *m + len);
  if (m) {
    m->refs = 1;
    m->len = len;
    memcpy(m->data, text, len);
  }
  return m;
}

/* Offers line to every other client; never waits. */
static void broadcast(struct client *from, const char *line, size_t len)
{
  struct msg *m = msg_new(line, len);
  if (!m)
    return; /* no memory: this line is lost, the chat goes on */
  for (struct client *c = chat.head, *next; c; c = next) {
    next = c->next;
    if (c == from)
      continue;
    int rc = weft_chan_try_send(c->outbox, m);
    if (rc == 0)
      m->refs++;
    else if (rc == -EAGAIN)
      drop_slow(c);
  }
  msg_unref(m);
}

/* ---- the writer task ---------------------------------------------------- */

static async(void) writer(struct client *c);

static async(void) sent(struct msg *m)
{
  msg_unref(m);
  return weft_return(void);
}

static async(void) write_msg(struct client *c, void *p)
{
  struct msg *m = p;
  return weft_then(weft_finally(weft_write(c->fd, m->data, m->len), sent, m), writer, c);
}

/* let rec writer () = recv outbox >>= fun m -> write m >>= writer;
 * it ends (-EPIPE) when the outbox is closed. */
static async(void) writer(struct client *c)
{
  return weft_bind(weft_chan_recv(ptr, c->outbox), write_msg, c);
}

/* However the writer ends, the connection hears of it. */
static async(void) writer_ended(struct client *c)
{
  if (c->slow)
    weft_promise_reject(c->writer_end, -ENOBUFS); /* reported by the server as this client's failure */
  else
    weft_promise_resolve(c->writer_end, 0);
  return weft_return(void);
}

/* ---- the reader --------------------------------------------------------- */

static async(void) reader(struct client *c);

/* Splits what was read into lines; each complete one goes to the others. */
static async(void) got_data(struct client *c, char *data)
{
  size_t len = weft_str_len(data);
  if (len == 0)
    return weft_return(void); /* EOF: the client left */
  for (size_t i = 0; i < len; i++) {
    char ch = data[i];
    if (ch == '\n') {
      if (c->line_len > 0 || !c->cut) {
        c->line[c->line_len++] = '\n';
        broadcast(c, c->line, c->line_len);
      }
      c->line_len = 0;
      c->cut = false;
    } else if (c->line_len < LINE_MAX) {
      c->line[c->line_len++] = ch;
    } else {
      c->cut = true; /* the rest of an overlong line is dropped */
    }
  }
  return reader(c);
}

/* let rec reader () = timeout (read fd) idle >>= got_data; a client silent
 * for idle_ms fails with -ETIMEDOUT, which the server reports. */
static async(void) reader(struct client *c)
{
  return weft_bind(weft_timeout(weft_read(c->fd, READ_CHUNK), chat.idle_ms), got_data, c);
}

/* ---- one connection ----------------------------------------------------- */

static async(void) ignore_failure(struct client *c, int err)
{
  (void)c;
  (void)err;
  return weft_return(void);
}

/* The end of a connection: no more messages for it; its writer is stopped
 * and joined (so nothing uses c after the server frees it); what is still
 * in its outbox is released. */
static async(void) release(struct client *c)
{
  uintptr_t m;
  while (weft_chan_try_recv(c->outbox, &m) == 0)
    msg_unref((struct msg *)m);
  weft_chan_free(c->outbox);
  weft_promise_free(c->writer_end);
  return weft_return(void);
}

static async(void) leave(struct client *c)
{
  room_leave(c);
  weft_chan_close(c->outbox);
  weft_task_cancel(c->writer);
  return weft_then(weft_catch(weft_task_join(void, c->writer), ignore_failure, c), release, c);
}

static const char welcome[] = "* welcome\n";

/* pick (reader ()) (wait writer_end), finally leave: whichever ends first
 * ends the other. */
static async(void) connection(void *state, int fd)
{
  struct client *c = state;
  c->fd = fd;
  c->outbox = weft_chan_new(chat.queue);
  c->writer_end = weft_promise_new();
  if (!c->outbox || !c->writer_end) {
    weft_chan_free(c->outbox);
    weft_promise_free(c->writer_end);
    return weft_fail(-ENOMEM);
  }
  /* The welcome line tells the client it is in the room. */
  struct msg *hello = msg_new(welcome, sizeof welcome - 1);
  if (hello && weft_chan_try_send(c->outbox, hello) < 0)
    msg_unref(hello);
  c->writer = weft_spawn_task(weft_finally(writer(c), writer_ended, c));
  room_join(c);
  return weft_finally(weft_pick(reader(c), weft_promise_wait(void, c->writer_end)), leave, c);
}

static long parse_positive(const char *s)
{
  char *end;
  long v = strtol(s, &end, 10);
  return *s && !*end && v > 0 ? v : -1;
}

int main(int argc, char **argv)
{
  /* Our own options are taken out; the rest is the shared server's. */
  char *rest[argc + 1];
  int n = 0;
  for (int i = 0; i < argc; i++) {
    bool idle = strcmp(argv[i], "--idle-ms") == 0, queue = strcmp(argv[i], "--queue") == 0;
    if ((idle || queue) && i + 1 < argc) {
      long v = parse_positive(argv[++i]);
      if (v < 0) {
        fprintf(stderr, "usage: chat_server [port] [--exit-after N] [--idle-ms MS] [--queue N]\n");
        return 2;
      }
      if (idle)
        chat.idle_ms = v;
      else
        chat.queue = (size_t)v;
    } else {
      rest[n++] = argv[i];
    }
  }
  rest[n] = NULL;
  struct tcp_server s = {.name = "chat_server", .connection = connection, .state_size = sizeof(struct client)};
  return tcp_server_main(&s, n, rest);
}
