package rrcm.device;

/** A point in a device's stream of work, for timing ({@link Device#elapsedMillis}); closing frees it. */
public interface DeviceEvent extends AutoCloseable {
    @Override
    void close();
}
