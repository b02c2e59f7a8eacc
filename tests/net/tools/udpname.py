#!/usr/bin/env python3
# udpname.py PORT NAME: answer every UDP datagram to PORT with the datagram,
# a space and NAME, so that a client knows which server took its flow.
import socket
import sys

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
name = sys.argv[2].encode()
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(data + b" " + name, peer)
