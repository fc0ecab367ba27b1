"""The floor for reading ftrack users: a plain stdlib client asking for exactly what
ldap2ftrack's plan asks for (every group, then every user with the same projection, 1000 per
page, in id order), one page after the other over one kept-alive connection.

Usage: python3 ftrack_floor.py SERVER_URL API_USER API_KEY
Prints how many groups and users it read.
"""

import http.client
import json
import socket
import sys
import urllib.parse

PAGE_SIZE = 1000
GROUPS = "select id, name from Group order by id"
USERS = (
    "select id, username, first_name, last_name, email, is_active, "
    "memberships.group.name, user_type.name from User order by id"
)


def call(connection, headers, expression):
    """Sends one query; returns its result (data and metadata)."""
    body = json.dumps([{"action": "query", "expression": expression}])
    connection.request("POST", "/api", body=body, headers=headers)
    response = connection.getresponse()
    payload = response.read()
    if response.status != 200:
        raise SystemExit(f"HTTP {response.status}: {payload[:200]!r}")
    result = json.loads(payload)
    if isinstance(result, dict):
        raise SystemExit(f"ftrack error: {result.get('content')}")
    return result[0]


def read_all(connection, headers, select):
    """Every row of a query, following metadata.next.offset page by page."""
    rows, offset = [], 0
    while offset is not None:
        page = f"{select} offset {offset} limit {PAGE_SIZE}"
        result = call(connection, headers, page)
        rows.extend(result["data"])
        offset = result["metadata"]["next"]["offset"]
    return rows


def main():
    server, user, key = sys.argv[1:4]
    url = urllib.parse.urlsplit(server)
    connection = http.client.HTTPConnection(url.hostname, url.port)
    # http.client writes the headers and the body apart; without TCP_NODELAY each request
    # would wait for the server's delayed acknowledgement (about 40 ms) between the two.
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    headers = {
        "ftrack-user": user,
        "ftrack-api-key": key,
        "content-type": "application/json",
        "accept": "application/json",
    }
    groups = read_all(connection, headers, GROUPS)
    users = read_all(connection, headers, USERS)
    print(f"{len(groups)} groups, {len(users)} users")


if __name__ == "__main__":
    main()
