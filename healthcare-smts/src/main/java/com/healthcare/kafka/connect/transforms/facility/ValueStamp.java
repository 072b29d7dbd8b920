package com.healthcare.kafka.connect.transforms.facility;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/** A cached plan turning Structs of one source schema into stamped Structs of {@link #target()}. */
interface ValueStamp {

    Schema target();

    Struct apply(Struct value);
}
