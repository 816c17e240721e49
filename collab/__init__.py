"""Realtime collaboration: the y-websocket protocol, rooms, awareness and fan-out."""
