"""The worker edge: stateless processes that read the work stream and decide items.

:mod:`wenming.worker.loop` holds :class:`~wenming.worker.loop.Worker` (one per
``wenming worker`` process, or one thread beside the API of ``wenming serve``). It may
import the runtime, the service and the queue port; nothing imports it but the CLI.
"""
