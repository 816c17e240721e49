"""The benchmark harness: starts the servers, drives the Node load client, reports medians."""
