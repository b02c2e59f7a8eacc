// SPDX-License-Identifier: GPL-2.0
/*
 * udpflood: send small UDP datagrams as fast as possible for a while, over
 * several flows (source ports), and print how many were sent.
 *
 *   udpflood ADDR PORT SECONDS [FLOWS] [SIZE]
 *
 * SECONDS 0 sends exactly one datagram per flow.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long long sent = 0;
	int flows = 64, size = 64, i, *fd;
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	char buf[1500];
	double secs, end;

	if (argc < 4) {
		fprintf(stderr, "usage: udpflood ADDR PORT SECONDS [FLOWS] [SIZE]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
		fprintf(stderr, "udpflood: bad address \"%s\"\n", argv[1]);
		return 2;
	}
	dst.sin_port = htons(atoi(argv[2]));
	secs = atof(argv[3]);
	if (argc > 4)
		flows = atoi(argv[4]);
	if (argc > 5)
		size = atoi(argv[5]);
	if (flows < 1 || flows > 4096 || size < 1 || size > (int)sizeof(buf) ||
	    secs < 0) {
		fprintf(stderr, "udpflood: bad flows, size or seconds\n");
		return 2;
	}
	/* one socket per flow: make room for them */
	{
		struct rlimit rl = { flows + 64, flows + 64 };
		struct rlimit cur;

		if (!getrlimit(RLIMIT_NOFILE, &cur) && cur.rlim_cur < rl.rlim_cur &&
		    setrlimit(RLIMIT_NOFILE, &rl)) {
			rl.rlim_max = cur.rlim_max;
			rl.rlim_cur = cur.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	fd = calloc(flows, sizeof(*fd));
	if (!fd)
		return 1;
	for (i = 0; i < flows; i++) {
		fd[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd[i] < 0 || connect(fd[i], (struct sockaddr *)&dst,
					 sizeof(dst))) {
			perror("udpflood: socket");
			return 1;
		}
	}
	memset(buf, 'x', sizeof(buf));
	iov.iov_base = buf;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (secs == 0) {
		for (i = 0; i < flows; i++)
			sent += send(fd[i], buf, size, 0) == size;
		printf("%llu\n", sent);
		return sent == (unsigned long long)flows ? 0 : 1;
	}
	end = now() + secs;
	for (i = 0; now() < end; i = (i + 1) % flows) {
		int n = sendmmsg(fd[i], msgs, BATCH, 0);

		if (n > 0)
			sent += n;
		else if (errno != ENOBUFS && errno != EAGAIN &&
			 errno != ECONNREFUSED)
			perror("udpflood: sendmmsg");
	}
	printf("%llu\n", sent);
	return 0;
}
