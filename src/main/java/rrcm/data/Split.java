package rrcm.data;

/** Which part of a data set: the training images or the held-out test (validation) images. */
public enum Split {
    TRAIN,
    TEST
}
