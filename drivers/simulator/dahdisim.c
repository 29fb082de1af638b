/*
 * libdahdisim: a DAHDI-compatible simulator for tests and benchmarks.
 *
 * sim_open/sim_ioctl/sim_read/sim_write/sim_poll/sim_close have the shapes of the libc
 * calls the DAHDI backend makes on /dev/dahdi/channel, with DAHDI's semantics:
 *  - an fd is bound to a channel by DAHDI_SPECIFY;
 *  - reads never block and return one block (DAHDI_SET_BLOCKSIZE, 160 by default):
 *    injected audio as soon as a block of it is queued, otherwise a block (injected
 *    remainder plus silence) each time the simulated 20 ms clock ticks; else EAGAIN;
 *  - read and write fail with errno ELAST while an event is pending, and
 *    DAHDI_GETEVENT dequeues it; poll reports pending events as POLLPRI.
 * The control API (sim_create_card, sim_ring, ...) plays the lines and phones;
 * sim_set_echo gives a channel a hybrid's echo path (what it plays comes back in
 * what it receives, delayed and attenuated), and DAHDI_ECHOCANCEL fails with ENOTTY
 * like a driver without an echo canceller, so the backend's software canceller runs —
 * unless sim_set_driver_echocan gave the channel a "driver" canceller, which takes the
 * ioctl and then removes the echo path's echo entirely.
 * Channels are numbered from 1 across cards; each card is one span.
 * One mutex guards everything; a condition variable wakes sim_poll on injection.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <math.h>
#include <linux/ioctl.h>
#include <spandsp/telephony.h>
#include <spandsp/bit_operations.h> /* top_bit(), which g711.h uses */
#include <spandsp/g711.h>

/* DAHDI ABI subset (include/dahdi/user.h); the TypeScript side is checked against the real header. */
#define DAHDI_CODE 0xDA
#define DAHDI_SET_BLOCKSIZE _IOW(DAHDI_CODE, 1, int)
#define DAHDI_HOOK _IOW(DAHDI_CODE, 7, int)
#define DAHDI_GETEVENT _IOR(DAHDI_CODE, 8, int)
#define DAHDI_ECHOCANCEL _IOW(DAHDI_CODE, 33, int)
#define DAHDI_SPECIFY _IOW(DAHDI_CODE, 38, int)
#define DAHDI_SETLAW _IOW(DAHDI_CODE, 39, int)
#define DAHDI_PARAMS_SIZE 136
#define DAHDI_GET_PARAMS _IOWR(DAHDI_CODE, 5, char[DAHDI_PARAMS_SIZE])
#define DAHDI_SPANINFO_SIZE 314
#define DAHDI_SPANSTAT _IOWR(DAHDI_CODE, 10, char[DAHDI_SPANINFO_SIZE])
#define DAHDI_LAW_ALAW 2
#define DAHDI_EVENT_ONHOOK 1
#define DAHDI_EVENT_RINGOFFHOOK 2
#define DAHDI_EVENT_WINKFLASH 3
#define DAHDI_EVENT_ALARM 4
#define DAHDI_EVENT_NOALARM 5
#define DAHDI_EVENT_POLARITY 17
#define DAHDI_EVENT_RINGBEGIN 18
#define DAHDI_EVENT_DTMFDOWN (1 << 17)
#define DAHDI_EVENT_DTMFUP (1 << 18)
#define DAHDI_ALARM_RED (1 << 3)
#define ELAST_DAHDI 500

#define MAX_CHANS 1024
#define MAX_FDS 1024
#define FD_BASE 1000 /* keep simulated fds apart from real ones in logs */
#define EVQ 64
#define RXQ 16000 /* 2 s of audio */
#define TXQ 16000
#define FRAME_NS 20000000LL
#define ECHO_MAX_DELAY 2048 /* samples: 256 ms, beyond any hybrid */

typedef struct {
  int used, kind /* 'O' FXO, 'S' FXS */, span, law, blocksize, hook /* last DAHDI_HOOK, -1 none */;
  int ev[EVQ]; int ev_head, ev_len;
  uint8_t rx[RXQ]; int rx_head, rx_len;
  uint8_t tx[TXQ]; int tx_head, tx_len;
  long long next_due_ns;
  long long late_ns_max;
  /* Echo path: each block read plays one block of what was written (the playout
     queue, like the card's transmit buffer), which comes back delayed and attenuated. */
  int echo_on, echo_delay; double echo_gain;
  int driver_ec /* the "driver" has a canceller */, ec_taps /* DAHDI_ECHOCANCEL it took */;
  uint8_t po[TXQ]; int po_head, po_len;
  int16_t dl[ECHO_MAX_DELAY]; int dl_pos;
} chan_t;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static chan_t chans[MAX_CHANS + 1];
static int fd_chan[MAX_FDS]; /* 0 free, -1 open but unbound, >0 channel */
static int n_chans, n_spans;
static int span_alarms[MAX_CHANS + 1];

static long long now_ns(void) {
  struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void ev_push(chan_t *c, int ev) {
  if (c->ev_len == EVQ) return; /* DAHDI keeps a bounded queue too; drop the newest */
  c->ev[(c->ev_head + c->ev_len) % EVQ] = ev; c->ev_len++;
  pthread_cond_broadcast(&cv);
}

static void rx_push(chan_t *c, const uint8_t *buf, int len) {
  for (int i = 0; i < len && c->rx_len < RXQ; i++) { c->rx[(c->rx_head + c->rx_len) % RXQ] = buf[i]; c->rx_len++; }
  pthread_cond_broadcast(&cv);
}

static chan_t *chan_of(int chan) { return (chan >= 1 && chan <= n_chans && chans[chan].used) ? &chans[chan] : NULL; }
static chan_t *chan_of_fd(int fd) {
  int i = fd - FD_BASE; if (i < 0 || i >= MAX_FDS || fd_chan[i] <= 0) return NULL; return chan_of(fd_chan[i]);
}
static uint8_t silence(const chan_t *c) { return c->law == DAHDI_LAW_ALAW ? 0xD5 : 0xFF; }
static int16_t decode(const chan_t *c, uint8_t b) { return c->law == DAHDI_LAW_ALAW ? alaw_to_linear(b) : ulaw_to_linear(b); }
static uint8_t encode(const chan_t *c, int v) {
  if (v > 32767) v = 32767; else if (v < -32768) v = -32768;
  return c->law == DAHDI_LAW_ALAW ? linear_to_alaw(v) : linear_to_ulaw(v);
}

/* Mixes the echo of one block of playout into a block just read (the hybrid). */
static void mix_echo(chan_t *c, uint8_t *buf, int n) {
  for (int k = 0; k < n; k++) {
    int16_t played = 0;
    if (c->po_len > 0) { played = decode(c, c->po[c->po_head]); c->po_head = (c->po_head + 1) % TXQ; c->po_len--; }
    int16_t echo = played;
    if (c->echo_delay > 0) { echo = c->dl[c->dl_pos]; c->dl[c->dl_pos] = played; c->dl_pos = (c->dl_pos + 1) % c->echo_delay; }
    buf[k] = encode(c, decode(c, buf[k]) + (int)lrint(echo * c->echo_gain));
  }
}
/* A block can be read: enough injected audio, or the clock ticked. */
static int rx_ready(const chan_t *c, long long t) { return c->rx_len >= c->blocksize || t >= c->next_due_ns; }

/* ---- control API ---- */

/** Adds a card (one span) of n_ports channels; kinds[i] is 'O' (FXO) or 'S' (FXS). Returns its span number, or -1. */
int sim_create_card(int n_ports, const char *kinds) {
  pthread_mutex_lock(&mu);
  if (n_ports <= 0 || n_chans + n_ports > MAX_CHANS || (int)strlen(kinds) < n_ports) { pthread_mutex_unlock(&mu); return -1; }
  int span = ++n_spans; long long t = now_ns();
  for (int i = 0; i < n_ports; i++) {
    chan_t *c = &chans[++n_chans]; memset(c, 0, sizeof *c);
    c->used = 1; c->kind = kinds[i] == 'S' ? 'S' : 'O'; c->span = span; c->blocksize = 160; c->hook = -1;
    c->next_due_ns = t + FRAME_NS;
  }
  span_alarms[span] = 0;
  pthread_mutex_unlock(&mu);
  return span;
}

/** Removes every card and forgets every fd (between tests). */
void sim_reset(void) {
  pthread_mutex_lock(&mu);
  memset(chans, 0, sizeof chans); memset(fd_chan, 0, sizeof fd_chan); memset(span_alarms, 0, sizeof span_alarms);
  n_chans = 0; n_spans = 0;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
}

static int with_chan(int chan, int ev) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); if (c) ev_push(c, ev); pthread_mutex_unlock(&mu); return c ? 0 : -1;
}

/** The exchange rings an FXO line: RINGBEGIN, then cid (FSK or DTMF CID bytes, may be NULL) as audio, then the validated ring. */
int sim_ring(int chan, const uint8_t *cid, int cid_len) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan);
  if (c) { ev_push(c, DAHDI_EVENT_RINGBEGIN); if (cid && cid_len > 0) rx_push(c, cid, cid_len); ev_push(c, DAHDI_EVENT_RINGOFFHOOK); }
  pthread_mutex_unlock(&mu); return c ? 0 : -1;
}
/** The phone on an FXS port goes off hook. */
int sim_offhook(int chan) { return with_chan(chan, DAHDI_EVENT_RINGOFFHOOK); }
/** The phone on an FXS port (or the line on an FXO port) goes on hook. */
int sim_onhook(int chan) { return with_chan(chan, DAHDI_EVENT_ONHOOK); }
/** The phone flashes its hook. */
int sim_flash(int chan) { return with_chan(chan, DAHDI_EVENT_WINKFLASH); }
/** The exchange reverses battery polarity on an FXO line. */
int sim_polarity(int chan) { return with_chan(chan, DAHDI_EVENT_POLARITY); }
/** A DTMF digit is detected on the channel (key down then key up). */
int sim_inject_dtmf(int chan, int digit) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan);
  if (c) { ev_push(c, DAHDI_EVENT_DTMFDOWN | (digit & 0xff)); ev_push(c, DAHDI_EVENT_DTMFUP | (digit & 0xff)); }
  pthread_mutex_unlock(&mu); return c ? 0 : -1;
}
/** Audio arrives on the channel (what the line or phone sends). */
int sim_inject_audio(int chan, const uint8_t *buf, int len) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); if (c) rx_push(c, buf, len); pthread_mutex_unlock(&mu); return c ? 0 : -1;
}
/** Drains up to len bytes of what the channel played (written by the application). Returns the count, -1 for a bad channel. */
int sim_read_played(int chan, uint8_t *buf, int len) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); int n = -1;
  if (c) {
    n = 0;
    while (n < len && c->tx_len > 0) { buf[n++] = c->tx[c->tx_head]; c->tx_head = (c->tx_head + 1) % TXQ; c->tx_len--; }
  }
  pthread_mutex_unlock(&mu); return n;
}
/** Last DAHDI_HOOK argument the application gave the channel, -1 if none, -2 for a bad channel. */
int sim_get_hook(int chan) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); int h = c ? c->hook : -2; pthread_mutex_unlock(&mu); return h;
}
static int set_alarm(int span, int alarms) {
  pthread_mutex_lock(&mu);
  if (span < 1 || span > n_spans) { pthread_mutex_unlock(&mu); return -1; }
  span_alarms[span] = alarms;
  /* DAHDI reports a span alarm as an event on each of the span's channels. */
  for (int i = 1; i <= n_chans; i++) if (chans[i].span == span) ev_push(&chans[i], alarms ? DAHDI_EVENT_ALARM : DAHDI_EVENT_NOALARM);
  pthread_mutex_unlock(&mu); return 0;
}
/** The span loses its line (red alarm). */
int sim_raise_alarm(int span) { return set_alarm(span, DAHDI_ALARM_RED); }
/** The span recovers. */
int sim_clear_alarm(int span) { return set_alarm(span, 0); }

/* ---- DAHDI-shaped calls ---- */

/** open(2) of /dev/dahdi/channel; ENODEV when no card exists, ENOENT for any other path. */
int sim_open(const char *path, int flags) {
  (void)flags;
  pthread_mutex_lock(&mu);
  if (strcmp(path, "/dev/dahdi/channel") != 0) { pthread_mutex_unlock(&mu); errno = ENOENT; return -1; }
  if (n_chans == 0) { pthread_mutex_unlock(&mu); errno = ENODEV; return -1; }
  for (int i = 0; i < MAX_FDS; i++) if (fd_chan[i] == 0) { fd_chan[i] = -1; pthread_mutex_unlock(&mu); return FD_BASE + i; }
  pthread_mutex_unlock(&mu); errno = EMFILE; return -1;
}

/** close(2). */
int sim_close(int fd) {
  pthread_mutex_lock(&mu); int i = fd - FD_BASE;
  if (i < 0 || i >= MAX_FDS || fd_chan[i] == 0) { pthread_mutex_unlock(&mu); errno = EBADF; return -1; }
  fd_chan[i] = 0; pthread_mutex_unlock(&mu); return 0;
}

/** ioctl(2) with a pointer argument: the subset of DAHDI's the backend uses. */
int sim_ioctl(int fd, unsigned long req, void *arg) {
  pthread_mutex_lock(&mu);
  int i = fd - FD_BASE, rc = 0, err = 0;
  if (i < 0 || i >= MAX_FDS || fd_chan[i] == 0) { err = EBADF; goto out; }
  if (req == DAHDI_SPECIFY) {
    int chan = *(int *)arg;
    if (fd_chan[i] != -1) err = EINVAL; else if (!chan_of(chan)) err = ENXIO; else fd_chan[i] = chan;
    goto out;
  }
  chan_t *c = chan_of_fd(fd);
  if (!c) { err = EINVAL; goto out; }
  switch (req) {
    case DAHDI_SET_BLOCKSIZE: { int bs = *(int *)arg; if (bs < 16 || bs > 8192) err = EINVAL; else c->blocksize = bs; break; }
    case DAHDI_SETLAW: c->law = *(int *)arg; break;
    case DAHDI_HOOK: c->hook = *(int *)arg; break;
    case DAHDI_ECHOCANCEL: if (c->driver_ec) c->ec_taps = *(int *)arg; else err = ENOTTY; break;
    case DAHDI_GETEVENT:
      if (c->ev_len == 0) *(int *)arg = 0;
      else { *(int *)arg = c->ev[c->ev_head]; c->ev_head = (c->ev_head + 1) % EVQ; c->ev_len--; }
      break;
    case DAHDI_GET_PARAMS: {
      int *p = (int *)arg; memset(arg, 0, DAHDI_PARAMS_SIZE);
      p[0] = fd_chan[i]; p[1] = c->span; p[2] = fd_chan[i]; p[10] = c->law ? c->law : 1; /* channo, spanno, chanpos, curlaw */
      uint32_t al = (uint32_t)span_alarms[c->span]; memcpy((char *)arg + DAHDI_PARAMS_SIZE - 4, &al, 4);
      break;
    }
    case DAHDI_SPANSTAT: {
      int span; memcpy(&span, arg, 4);
      if (span < 1 || span > n_spans) { err = EINVAL; break; }
      memset(arg, 0, DAHDI_SPANINFO_SIZE); memcpy(arg, &span, 4);
      memcpy((char *)arg + 64, &span_alarms[span], 4); /* offsetof(struct dahdi_spaninfo, alarms) */
      break;
    }
    default: err = ENOTTY;
  }
out:
  pthread_mutex_unlock(&mu);
  if (err) { errno = err; return -1; }
  return rc;
}

/** read(2): one block, ELAST while an event is pending, EAGAIN when nothing is due. */
long sim_read(int fd, uint8_t *buf, unsigned long len) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of_fd(fd); long n = -1; int err = 0;
  if (!c) err = EBADF;
  else if (c->ev_len > 0) err = ELAST_DAHDI;
  else {
    long long t = now_ns();
    if (!rx_ready(c, t)) err = EAGAIN;
    else {
      int bs = c->blocksize < (int)len ? c->blocksize : (int)len;
      int k = 0;
      for (; k < bs && c->rx_len > 0; k++) { buf[k] = c->rx[c->rx_head]; c->rx_head = (c->rx_head + 1) % RXQ; c->rx_len--; }
      memset(buf + k, silence(c), bs - k);
      if (c->echo_on && c->ec_taps == 0) mix_echo(c, buf, bs);
      else if (c->echo_on) { /* played, and the driver's canceller removed its echo */
        int m = c->po_len < bs ? c->po_len : bs; c->po_head = (c->po_head + m) % TXQ; c->po_len -= m;
      }
      if (t >= c->next_due_ns) {
        long long late = t - c->next_due_ns; if (late > c->late_ns_max) c->late_ns_max = late;
        /* Like a TDM bus, the clock does not wait for the reader: fall back at most 5 blocks behind. */
        c->next_due_ns += FRAME_NS; if (t - c->next_due_ns > 5 * FRAME_NS) c->next_due_ns = t;
      }
      n = bs;
    }
  }
  pthread_mutex_unlock(&mu);
  if (err) errno = err;
  return n;
}

/** write(2): appends to what the channel plays; ELAST while an event is pending. */
long sim_write(int fd, const uint8_t *buf, unsigned long len) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of_fd(fd); long n = -1; int err = 0;
  if (!c) err = EBADF;
  else if (c->ev_len > 0) err = ELAST_DAHDI;
  else {
    for (unsigned long k = 0; k < len; k++) {
      if (c->tx_len == TXQ) { c->tx_head = (c->tx_head + 1) % TXQ; c->tx_len--; } /* keep the newest */
      c->tx[(c->tx_head + c->tx_len) % TXQ] = buf[k]; c->tx_len++;
      if (c->echo_on) {
        if (c->po_len == TXQ) { c->po_head = (c->po_head + 1) % TXQ; c->po_len--; }
        c->po[(c->po_head + c->po_len) % TXQ] = buf[k]; c->po_len++;
      }
    }
    n = (long)len;
  }
  pthread_mutex_unlock(&mu);
  if (err) errno = err;
  return n;
}

/** poll(2): POLLIN when a block is readable, POLLPRI when an event is pending, POLLOUT always. */
int sim_poll(struct pollfd *fds, unsigned long nfds, int timeout_ms) {
  long long deadline = timeout_ms < 0 ? -1 : now_ns() + (long long)timeout_ms * 1000000LL;
  pthread_mutex_lock(&mu);
  for (;;) {
    long long t = now_ns(), next = deadline; int ready = 0;
    for (unsigned long k = 0; k < nfds; k++) {
      fds[k].revents = 0;
      if (fds[k].fd < 0) continue; /* poll(2) ignores negative fds */
      chan_t *c = chan_of_fd(fds[k].fd);
      if (!c) { fds[k].revents = POLLNVAL; ready++; continue; }
      if (c->ev_len > 0) fds[k].revents |= POLLPRI;
      else if ((fds[k].events & POLLIN) && rx_ready(c, t)) fds[k].revents |= POLLIN;
      if (fds[k].events & POLLOUT) fds[k].revents |= POLLOUT;
      if (fds[k].revents) ready++;
      else if (next < 0 || c->next_due_ns < next) next = c->next_due_ns;
    }
    if (ready || (deadline >= 0 && t >= deadline) || timeout_ms == 0) { pthread_mutex_unlock(&mu); return ready; }
    struct timespec ts;
    if (next < 0) { pthread_cond_wait(&cv, &mu); continue; }
    /* CLOCK_REALTIME is the condvar's default clock: convert the monotonic deadline. */
    struct timespec rt; clock_gettime(CLOCK_REALTIME, &rt);
    long long wake = (long long)rt.tv_sec * 1000000000LL + rt.tv_nsec + (next - t);
    ts.tv_sec = wake / 1000000000LL; ts.tv_nsec = wake % 1000000000LL;
    pthread_cond_timedwait(&cv, &mu, &ts);
  }
}

/**
 * Gives the channel an echo path: from now on what it plays comes back in what it
 * receives `delay_samples` later (0..2048), at `gain_db` (e.g. -10). A gain of
 * -INFINITY or below -120 dB removes the path. Returns 0, or -1 for a bad channel or delay.
 */
int sim_set_echo(int chan, int delay_samples, double gain_db) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); int rc = -1;
  if (c && delay_samples >= 0 && delay_samples <= ECHO_MAX_DELAY) {
    c->echo_on = gain_db > -120.0; c->echo_delay = delay_samples; c->echo_gain = c->echo_on ? pow(10.0, gain_db / 20.0) : 0.0;
    c->po_head = c->po_len = 0; c->dl_pos = 0; memset(c->dl, 0, sizeof c->dl);
    rc = 0;
  }
  pthread_mutex_unlock(&mu); return rc;
}

/** Gives the channel's "driver" an echo canceller (DAHDI_ECHOCANCEL succeeds) or takes it away. Returns 0, -1 for a bad channel. */
int sim_set_driver_echocan(int chan, int on) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); if (c) { c->driver_ec = on != 0; if (!on) c->ec_taps = 0; }
  pthread_mutex_unlock(&mu); return c ? 0 : -1;
}

/** Largest lateness (ns) of a clocked block read on the channel, then resets it; -1 for a bad channel. */
long long sim_take_max_lateness(int chan) {
  pthread_mutex_lock(&mu); chan_t *c = chan_of(chan); long long v = c ? c->late_ns_max : -1; if (c) c->late_ns_max = 0;
  pthread_mutex_unlock(&mu); return v;
}
