package rrcm.backend;

/** Elementwise {@code f(x, s)} with a host scalar s: x+s, x*s, x/s, s-x, s/x, x^s, max(x,s), min(x,s). */
public enum ScalarOp {
    ADD, MUL, DIV, RSUB, RDIV, POW, MAX, MIN
}
