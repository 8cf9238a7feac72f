"""Aronium POS adapter"""
