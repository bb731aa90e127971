// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg: read the kernel log through /dev/kmsg, for the guest's console and
 * for suites that look for their own messages without erasing the log.
 *
 *   kmsg follow MARKER  print every record from the first one of the boot,
 *                       as it is logged, until the record whose text is
 *                       MARKER (printed too): each message line as
 *                       "# kmsg: <line>", one write(2) per line so that
 *                       other writers of the console never split one.
 *                       Records the log buffer lost before they were read
 *                       (EPIPE, or a first record after record 0) are
 *                       counted: "# callops-kmsg: N records lost".
 *   kmsg seq            print the number of the next record to be logged,
 *                       a cursor for "kmsg since"
 *   kmsg since SEQ      print the lines of the records numbered SEQ and on,
 *                       logged so far, and return; fail (exit 1) if any of
 *                       them was lost or SEQ lies past the end of the log
 *
 * Each read(2) returns one record (Documentation/ABI/testing/dev-kmsg):
 * "prio,seq,ts,flags[,more];text\n", then " KEY=value\n" dictionary lines,
 * which are skipped.  The kernel escapes non-printable bytes and '\' in
 * the text as "\xNN", so the lines of a record of several lines are
 * separated by "\x0a".  Those, tabs and backslashes are undone; any other
 * escape stays as it is, keeping control bytes off the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* More than the kernel's largest record, PRINTK_MESSAGE_MAX (2048). */
#define RECORD_MAX	16384
#define FOLLOW_PREFIX	"# kmsg: "

struct record {
	unsigned long long seq;
	char *text;	/* NUL-terminated, still escaped */
};

static char record_buf[RECORD_MAX + 1];
static char line_buf[sizeof(FOLLOW_PREFIX) + RECORD_MAX + 1];

/* 1: a record; 0: none yet (O_NONBLOCK); -errno on error. */
static int read_record(int fd, struct record *rec)
{
	char *comma, *semi, *end, *p;
	ssize_t n;

	do {
		n = read(fd, record_buf, RECORD_MAX);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	record_buf[n] = '\0';
	comma = strchr(record_buf, ',');
	semi = strchr(record_buf, ';');
	end = semi ? strchr(semi, '\n') : NULL;
	if (!comma || !end || comma > semi)
		goto malformed;
	errno = 0;
	rec->seq = strtoull(comma + 1, &p, 10);
	if (errno || p == comma + 1 || *p != ',')
		goto malformed;
	*end = '\0';
	rec->text = semi + 1;
	return 1;
malformed:
	fprintf(stderr, "kmsg: malformed record '%.60s'\n", record_buf);
	return -EBADMSG;
}

static int write_all(const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("kmsg: write");
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The byte of the escape "\xNN" at p if it is to be undone, else -1. */
static int unescape(const char *p)
{
	int hi, lo, c;

	if (p[0] != '\\' || p[1] != 'x')
		return -1;
	hi = hex(p[2]);
	lo = hi < 0 ? -1 : hex(p[3]);
	if (lo < 0)
		return -1;
	c = hi << 4 | lo;
	return c == '\n' || c == '\t' || c == '\\' ? c : -1;
}

/*
 * Print the lines of an escaped record text, each after prefix, one
 * write(2) each.  A text ending in a newline gets no empty last line.
 */
static int print_lines(const char *prefix, const char *text)
{
	size_t start = strlen(prefix), len = start;
	const char *p;
	int c;

	memcpy(line_buf, prefix, start);
	for (p = text; ; p++) {
		c = unescape(p);
		if (c >= 0)
			p += 3;
		else
			c = (unsigned char)*p;
		if (c != '\n' && c != '\0') {
			line_buf[len++] = c;
			continue;
		}
		/* Only a newline just before the end leaves len at start. */
		if (c == '\0' && len == start && p != text)
			return 0;
		line_buf[len++] = '\n';
		if (write_all(line_buf, len))
			return -1;
		if (c == '\0')
			return 0;
		len = start;
	}
}

static int open_kmsg(int flags)
{
	int fd = open("/dev/kmsg", O_RDONLY | flags);

	if (fd < 0)
		perror("kmsg: /dev/kmsg");
	return fd;
}

static int follow(const char *marker)
{
	unsigned long long next = 0;	/* the boot's first record is 0 */
	struct record rec;
	char lost[64];
	int fd, ret;

	fd = open_kmsg(0);
	if (fd < 0)
		return 1;
	for (;;) {
		ret = read_record(fd, &rec);
		/* Overrun: the file now points at the oldest record left. */
		if (ret == -EPIPE)
			continue;
		if (ret < 0) {
			fprintf(stderr, "kmsg: read /dev/kmsg: %s\n", strerror(-ret));
			return 1;
		}
		if (rec.seq != next) {
			snprintf(lost, sizeof(lost), "# callops-kmsg: %llu records lost\n",
				 rec.seq - next);
			if (write_all(lost, strlen(lost)))
				return 1;
		}
		next = rec.seq + 1;
		if (print_lines(FOLLOW_PREFIX, rec.text))
			return 1;
		if (!strcmp(rec.text, marker))
			return 0;
	}
}

/* Print the lines of the records from seq on, or (!print) the next number. */
static int scan(unsigned long long seq, int print)
{
	unsigned long long next = 0, want = seq;
	struct record rec;
	int fd, ret;

	fd = open_kmsg(O_NONBLOCK);
	if (fd < 0)
		return 1;
	while ((ret = read_record(fd, &rec)) != 0) {
		if (ret == -EPIPE)
			continue;
		if (ret < 0) {
			fprintf(stderr, "kmsg: read /dev/kmsg: %s\n", strerror(-ret));
			return 1;
		}
		next = rec.seq + 1;
		if (!print || rec.seq < seq)
			continue;
		if (rec.seq != want) {
			fprintf(stderr, "kmsg: records %llu to %llu lost (log buffer overrun)\n",
				want, rec.seq - 1);
			return 1;
		}
		want = next;
		if (print_lines("", rec.text))
			return 1;
	}
	if (!print) {
		printf("%llu\n", next);
		return 0;
	}
	if (seq > next) {
		fprintf(stderr, "kmsg: record %llu is past the end of the log (next: %llu)\n",
			seq, next);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long seq;
	const char *p;
	char *end;

	if (argc == 3 && !strcmp(argv[1], "follow")) {
		/* Compared with the escaped text: printable ASCII only. */
		for (p = argv[2]; *p; p++)
			if (*p < ' ' || *p > '~' || *p == '\\')
				break;
		if (*p || !*argv[2]) {
			fprintf(stderr, "kmsg: MARKER must be printable ASCII without '\\'\n");
			return 2;
		}
		return follow(argv[2]);
	}
	if (argc == 2 && !strcmp(argv[1], "seq"))
		return scan(0, 0);
	if (argc == 3 && !strcmp(argv[1], "since")) {
		errno = 0;
		seq = strtoull(argv[2], &end, 10);
		if (errno || end == argv[2] || *end || argv[2][0] == '-') {
			fprintf(stderr, "kmsg: SEQ '%s' is not a record number\n", argv[2]);
			return 2;
		}
		return scan(seq, 1);
	}
	fprintf(stderr, "usage: kmsg follow MARKER | kmsg seq | kmsg since SEQ\n");
	return 2;
}
