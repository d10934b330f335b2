// The flood family's calendar queue: CalendarQueue<Event> compiled once here.
#include "engine/core/event_queue_impl.hpp"

namespace zonal::sim {

template class CalendarQueue<Event>;

}  // namespace zonal::sim
