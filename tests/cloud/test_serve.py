import socket

from shoehorn.cloud.serve import _bind


def test_the_front_socket_has_nagle_off_so_keep_alive_clients_do_not_wait_40_ms() -> None:
    sock = _bind(0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert sock.getsockname()[0] == "127.0.0.1"  # loopback only
    finally:
        sock.close()
