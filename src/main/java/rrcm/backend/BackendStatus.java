package rrcm.backend;

/** Whether a backend can run here, and in one sentence how it runs or why it cannot. */
public record BackendStatus(String name, boolean available, String detail) {}
